/* memfd_create(2) → GENERIC_X (ID, nativeID): the 2022 table has no event of its own. */
/* memfd_create has no PPM_SC code in the 2022 table: ID 0, as the 2022 driver sent. */
KES_GENERIC(memfd_create, 0, 319)
