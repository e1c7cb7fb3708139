import type { ChildProcess } from "node:child_process";
export declare function routeOutput(
  child: Pick<ChildProcess, "pid" | "stdout" | "stderr">,
  file: string,
  show: (line: string) => void,
): { tail(): string; close(): Promise<void> };
