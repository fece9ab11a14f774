"""Members: who belongs to the chosen city with which role; coordinators invite people by a one-time
link and change or remove roles."""

import pandas as pd
import streamlit as st

from access.roles import CITY_ROLES, Operation, Role
from app_pages import identity
from app_pages.common import PAGES, accounts, actor, allowed, attempt, current_city, invitation_link, md

LINK_KEY = "members_link"
ROLE_HELP = {
    Role.VIEWER: "reads results, compares, downloads reports and data",
    Role.EDITOR: "also answers questions and writes notes and evidence",
    Role.COORDINATOR: "also manages the profile, the members and the assessments",
}

st.title("Members")
city = current_city()
person = actor()
if city is None or person is None:
    st.info("Choose a city on the Home page first, to see its members.")
    st.page_link(PAGES["home"], label="Go to Home", icon=":material/home:")
    st.stop()

st.caption(f"The team of {md(city.name)}. Each person's answers and changes are recorded under their own name.")
manages = allowed(Operation.MANAGE_CITY, city.id) or allowed(Operation.ADMINISTER, None)
members = attempt(lambda: accounts().members(city.id or 0, person), "The members could not be shown") or []
st.dataframe(
    pd.DataFrame(
        {
            "Name": [m.name for m in members],
            "Email": [m.email for m in members],
            "Role": [m.role.value for m in members],
            "Status": ["invited, no password yet" if m.pending else "active" for m in members],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(" · ".join(f"**{r.value}**: {ROLE_HELP[r]}" for r in CITY_ROLES))

if not manages:
    st.caption("The city's coordinators invite members and change their roles.")
    st.stop()

st.header("Invite a member")
st.markdown(
    "No email is sent: you get a link to pass on yourself. It works once, for seven days; a new person "
    "chooses a password through it, someone who has an account already accepts it with their own password. "
    "A forgotten password is reset by the server's administrator."
)
with st.form("members_invite", clear_on_submit=True):
    email = st.text_input("Email", key="members_email", max_chars=254)
    name = st.text_input("Name", key="members_name", max_chars=120)
    role = st.selectbox(
        "Role", options=list(CITY_ROLES), index=1, format_func=lambda r: r.value.capitalize(), key="members_role"
    )
    invited = st.form_submit_button("Make an invitation link", type="primary")
if invited:
    token = attempt(
        lambda: accounts().invite(email, name or email, city.id or 0, role, person), "The invitation was not made"
    )
    if token:
        st.session_state[LINK_KEY] = (email.strip(), invitation_link(token))
        st.rerun()
if LINK_KEY in st.session_state:
    for_whom, link = st.session_state[LINK_KEY]
    st.success(f"Invitation link for {md(for_whom)} (shown once; copy it now):", icon=":material/link:")
    st.code(link, language=None)

if members:
    st.header("Change a role")
    by_id = {m.account_id: m for m in members}
    with st.form("members_change"):
        who = st.selectbox(
            "Member",
            options=list(by_id),
            format_func=lambda i: f"{by_id[i].name} <{by_id[i].email}>",
            key="members_who",
        )
        new_role = st.selectbox(
            "New role",
            options=[*CITY_ROLES, None],
            format_func=lambda r: "Remove from the city" if r is None else r.value.capitalize(),
            key="members_new_role",
        )
        changed = st.form_submit_button("Change")
    if changed and attempt(
        lambda: accounts().change_role(who, city.id or 0, new_role, person) or True, "The role was not changed"
    ):
        identity.forget()
        st.success("Changed.", icon=":material/check_circle:")
        st.rerun()
