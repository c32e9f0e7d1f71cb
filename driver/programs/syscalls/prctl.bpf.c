/* prctl(2) → GENERIC_X (ID, nativeID): the 2022 table has no event of its own. */
KES_GENERIC(prctl, KES_SC_PRCTL, 157)
