// Schema for the s3-notifications tables (one migration; see ../migrations.ts). Empty until that part lands.
export const S3_NOTIFICATIONS_SCHEMA = '';
