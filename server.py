"""The server: the app behind its sign-in pages. ``streamlit run server.py`` serves both (Streamlit
finds the ``st.App`` below); ``app.py`` is the app itself."""

import streamlit as st
from starlette.middleware import Middleware

from access.web import SignInGate, routes
from app_pages.identity import identity_provider

app = st.App("app.py", routes=routes(), middleware=[Middleware(SignInGate, identity_provider=identity_provider)])
