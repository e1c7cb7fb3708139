export declare const FIRST_PAGE_GZIP_BUDGET: number;
export declare function initialFiles(dist: string): string[];
export declare function gzipBytes(dist: string, file: string): number;
export declare function firstPageGzip(dist: string): { files: string[]; gzip: number };
