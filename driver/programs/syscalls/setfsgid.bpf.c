/* setfsgid(2) → GENERIC_X (ID, nativeID): neither table has an event of its own. */
KES_GENERIC(setfsgid, KES_SC_SETFSGID, 123)
