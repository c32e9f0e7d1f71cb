/* setfsuid(2) → GENERIC_X (ID, nativeID): neither table has an event of its own. */
KES_GENERIC(setfsuid, KES_SC_SETFSUID, 122)
