"""Resources shared by the pages, created once per server process."""

from __future__ import annotations

import streamlit as st

from questionnaire import Framework, load_framework
from questionnaire.loader import BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID


@st.cache_resource
def current_framework() -> Framework:
    """The framework new assessments use (immutable; shared by every session)."""
    return load_framework(BUILTIN_FRAMEWORKS / DEFAULT_FRAMEWORK_ID)
