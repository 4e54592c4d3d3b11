"""The conditions of use every user accepts; a new VERSION must be accepted again."""

from __future__ import annotations

VERSION = "2026-11"

CONDITIONS: tuple[str, ...] = (
    "I will keep my password to myself and will not let anyone else sign in with my account. "
    "If I think someone else knows it, I will change it at once and tell my local regulator.",
    "Each person uses their own account. Consultants sign in with their own account and are "
    "given a role in each business they work for.",
    "Everything I submit is true and complete to the best of my knowledge. Submitted "
    "information becomes part of the regulator's record and cannot be changed afterwards; "
    "corrections are made with a new submittal.",
    "Chemical locations and information marked as trade secret are kept confidential as the "
    "law requires. Other information I submit may be released to the public by my regulator.",
    "I will upload only the documents my regulator asks for, at most 25 MB each, and free of "
    "viruses or other harmful content.",
    "Actions such as submitting, approving or changing access are recorded with my name, the "
    "time and what changed.",
    "The service may be unavailable during announced maintenance windows. Deadlines set by my "
    "regulator still apply; I will not wait until the last day to submit.",
)
