"""Your account: who you are signed in as, your roles city by city, your password, and signing out."""

import streamlit as st

from access.web import PASSWORD_HINT
from app_pages import identity
from app_pages.access import sign_out_button
from app_pages.common import accounts, actor, attempt, md, store

SAVED_KEY = "account_password_saved"

person = actor()
st.title("Your account")
if person is not None:
    st.markdown(f"Signed in as **{md(person.name)}**. Your answers and changes are recorded under this name.")
    if person.network_admin:
        st.markdown(
            "You are a **network administrator**: you set up cities and invite their coordinators, and see "
            "the network overview. A city's answers are open to you only where you are a member."
        )
    names = {c.id: f"{c.name}, {c.country}" for c in store().cities()}
    if person.roles:
        st.subheader("Your cities")
        st.markdown(
            "\n".join(
                f"- {md(names.get(city_id, f'city {city_id}'))}: **{role.value}**"
                for city_id, role in sorted(person.roles.items())
            )
        )
    else:
        st.markdown("You are not a member of a city yet: your city's coordinator adds you to its team.")
    st.caption(
        "Viewers read results and download reports; editors also answer questions; coordinators also "
        "manage the city profile, its members and its assessments."
    )

    token = identity.session_token()
    if token:
        st.subheader("Change your password")
        if st.session_state.pop(SAVED_KEY, False):
            st.success("Your password was changed. Every other place where you were signed in is signed out.")
        with st.form("account_password", clear_on_submit=True):
            current = st.text_input(
                "Current password", type="password", key="account_current", autocomplete="current-password"
            )
            new = st.text_input(
                "New password",
                type="password",
                key="account_new",
                autocomplete="new-password",
                help=PASSWORD_HINT,
            )
            again = st.text_input(
                "New password again", type="password", key="account_again", autocomplete="new-password"
            )
            changed = st.form_submit_button("Change the password", type="primary")
        if changed:
            if new != again:
                st.error("The two new passwords differ; nothing was changed.")
            elif attempt(
                lambda: accounts().change_password(token, current, new) or True, "The password was not changed"
            ):
                st.session_state[SAVED_KEY] = True
                st.rerun()

    st.subheader("Sign out")
    if identity.identity_provider():
        if st.button("Sign out", key="account_sign_out", icon=":material/logout:"):
            key = identity.provider_key()
            if key:
                accounts().sign_out(key)  # a copy of the provider's cookie opens nothing from now on
            st.logout()
    else:
        sign_out_button()
