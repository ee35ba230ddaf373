"""Sections of the Settings screen."""

# the key of the message a section shows at the top of Settings after it saved
NOTICE = "settings_notice"
