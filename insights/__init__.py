"""Read-only views computed from decrypted records: pure functions, no streamlit."""
