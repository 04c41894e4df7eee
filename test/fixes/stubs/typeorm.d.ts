declare module 'typeorm' {
  export type EntityTarget<T> = (new () => T) | string;
  export class EntityManager {
    save<T>(entity: T): Promise<T>;
    save<T>(target: EntityTarget<T>, entity: Partial<T>): Promise<T>;
    query(query: string, parameters?: any[]): Promise<any>;
    transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T>;
  }
  export interface Repository<T> {
    save(entity: T): Promise<T>;
    findOneByOrFail(where: Partial<T>): Promise<T>;
    readonly manager: EntityManager;
  }
  export interface QueryRunner {
    readonly manager: EntityManager;
    connect(): Promise<unknown>;
    startTransaction(): Promise<void>;
    commitTransaction(): Promise<void>;
    rollbackTransaction(): Promise<void>;
    release(): Promise<void>;
    query(query: string, parameters?: any[]): Promise<any>;
  }
  export class DataSource {
    readonly manager: EntityManager;
    createQueryRunner(): QueryRunner;
    getRepository<T>(target: EntityTarget<T>): Repository<T>;
    transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T>;
  }
}
