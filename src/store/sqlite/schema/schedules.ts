// Schema for the schedules tables (one migration; see ../migrations.ts). Empty until that part lands.
export const SCHEDULES_SCHEMA = '';
