"""Prompt library and instruments as TOML data, with the loader, validator and selector.

`library` reads and checks the data (`builtin_library`, `with_custom`); `selector`
chooses the prompts of one reflection (`select_prompts`, `swap_prompt`). Nothing here
imports streamlit.
"""
