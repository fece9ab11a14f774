"""Sign in: the only page for someone not signed in (a session that ended while the app was open
lands here too). Local accounts sign in on the server's own sign-in page, a city's identity provider
through ``st.login``."""

from urllib.parse import urlsplit

import streamlit as st

from app_pages.access import sign_in_link
from app_pages.identity import identity_provider, provider_names

st.title("Sign in")
st.markdown(
    "An assessment says where a city is weak against hate and extremism, so only the members of a "
    "city's team see it. Sign in to continue."
)
if identity_provider():
    for name in provider_names():
        label = "Sign in with your city's account" if name is None else f"Sign in with {name}"
        if st.button(label, type="primary", key=f"sign_in_{name or 'provider'}", icon=":material/login:"):
            st.login() if name is None else st.login(name)
else:
    here = urlsplit(st.context.url or "/")
    sign_in_link((here.path or "/") + (f"?{here.query}" if here.query else ""))
