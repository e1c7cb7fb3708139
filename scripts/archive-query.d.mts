export declare const ARCHIVE_BUCKET: string;
export declare const ARCHIVE_TABLES: string[];
export declare function copyArchive(bucket: R2Bucket | unknown, dir: string): Promise<number>;
export declare function viewStatements(root: string): string[];
export declare function queryArchive(dir: string, sql: string): Promise<Record<string, unknown>[]>;
