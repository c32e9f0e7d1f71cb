/* finit_module(2) → GENERIC_X (ID, nativeID): the 2022 table has no event of its own. */
KES_GENERIC(finit_module, KES_SC_FINIT_MODULE, 313)
