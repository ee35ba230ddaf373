"""The `reflective-journal` command: starts the journal's server for one person and opens
the browser at it (cli.py reads the command line, launch.py starts and stops the server,
instance_lock.py keeps one server per data folder, launch_secret.py is the per-launch
secret both the command and serve.py use). Nothing here imports streamlit.
"""

__version__ = "0.1.0"
