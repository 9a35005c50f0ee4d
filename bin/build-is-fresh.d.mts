export declare const projectRoot: string;
export declare const builtEntry: string;
export declare function buildIsFresh(): boolean;
