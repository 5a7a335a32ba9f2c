"""The Streamlit pages (one module per page) and the few modules they share; ``app.py`` is the entry point."""
