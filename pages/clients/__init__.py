"""Sections of the Clients screen."""

# the key of the message shown at the top of Clients after a change
NOTICE = "cl_notice"
