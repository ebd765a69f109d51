// Schema for the s3 tables (one migration; see ../migrations.ts). Empty until that part lands.
export const S3_SCHEMA = '';
