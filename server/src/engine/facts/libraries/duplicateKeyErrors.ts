/**
 * How drivers and ORMs report a unique-key violation, so that code which catches one can be read:
 * error codes (compared to `err.code`, `err.number`, `err.errno`), error classes (`instanceof`,
 * `err.name === ...`) and the helper names real code gives its own checks.
 */

/** Codes of a unique or primary-key violation. */
export const DUPLICATE_KEY_CODES: readonly string[] = [
  '23505', // PostgreSQL unique_violation (pg, postgres.js, TypeORM QueryFailedError.driverError)
  '11000', 'E11000', '11001', // MongoDB duplicate key (mongodb, mongoose MongoServerError)
  'ER_DUP_ENTRY', '1062', // MySQL / MariaDB (mysql2, mariadb)
  '2627', '2601', // SQL Server unique constraint / unique index (mssql, tedious)
  'P2002', // Prisma unique constraint failed
  'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY',
  'ConditionalCheckFailedException', // DynamoDB put with attribute_not_exists(...)
];

/** Error classes, by name, thrown for a unique violation. */
export const DUPLICATE_KEY_ERRORS: readonly string[] = [
  'UniqueConstraintError', 'SequelizeUniqueConstraintError', // Sequelize
  'UniqueConstraintViolationException', // MikroORM
  'ConditionalCheckFailedException', // AWS SDK v3
];

/** Names of helpers that tell a unique violation (`isUniqueConstraintError(err)`, `isDuplicateKeyError(e)`, `isUniqueViolation`). */
export const DUPLICATE_KEY_HELPER = /^(is|has)\w*(unique|duplicate|dup(key)?|conflict)\w*(error|violation|exception)?$|^(unique|duplicate)\w*(error|violation)$/i;
