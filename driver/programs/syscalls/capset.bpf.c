/* capset(2) → GENERIC_X (ID, nativeID): the 2022 table has no event of its own. */
KES_GENERIC(capset, KES_SC_CAPSET, 126)
