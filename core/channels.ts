// A site's own channel rule: stored in sites.channel_rules, evaluated by capture before GA4's
// default channel grouping (functions/edge/capture/channels.ts).

/** Every given pattern must match (full, case-insensitive) for the rule to name the channel. */
export interface ChannelRule {
  channel: string;
  source?: string;
  medium?: string;
  campaign?: string;
}
