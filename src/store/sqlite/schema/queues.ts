// Schema for the queues tables (one migration; see ../migrations.ts). Empty until that part lands.
export const QUEUES_SCHEMA = '';
