export interface DemoCourse {
  id: string;
  name: string;
  price: number;
}
export interface DemoCampaign {
  source: string;
  medium: string;
  campaign: string;
  course: string;
  budget: number;
  cpc: number;
  intent: number;
  tests: number;
}
export interface DemoCost {
  date: string;
  source: string;
  medium: string;
  campaign: string;
  cost: number;
  impressions: number;
  clicks: number;
}
/** Server-API events (the ServerEvent schema). */
export type DemoEvent = Record<string, unknown> & { id: string; type: string; ts: number };
export declare const DEMO_COURSES: DemoCourse[];
export declare const DEMO_TRACKS: string[][];
export declare const DEMO_DAYS: number;
export declare const DEMO_CAMPAIGNS: DemoCampaign[];
export declare function demoSpendPlan(options?: {
  days?: number;
  seed?: number;
}): { daysAgo: number; cost: number; visits: number; intent: number }[][];
export declare function demoCosts(options?: { days?: number; now?: number; seed?: number }): DemoCost[];
export declare function demoEvents(options: {
  origin: string;
  days?: number;
  seed?: number;
  now?: number;
}): DemoEvent[];
export declare function demoPartnerProgram(): {
  program: Record<string, unknown>;
  partners: Record<string, unknown>[];
  rules: Record<string, unknown>[];
  items: Record<string, unknown>[];
};
export declare function demoLearnerJourneys(options?: {
  learners?: number;
  seed?: number;
  now?: number;
  origin?: string;
}): DemoEvent[];
