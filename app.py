"""City Cohesion Self-Assessment: the Streamlit entry point. Navigation only; pages do the rest."""

import streamlit as st

st.set_page_config(
    page_title="City Cohesion Self-Assessment",
    page_icon=":material/diversity_3:",
    layout="wide",
)

pages = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/framework.py", title="Framework", icon=":material/menu_book:", url_path="framework"),
]
st.navigation(pages).run()
