export type { Period, PeriodRangeOptions, PeriodSpace } from './period.js';
export { UNPARTITIONED, UNPARTITIONED_SPACE } from './unpartitioned.js';
export { CronSchedule, cronSchedule } from './cron-schedule.js';
export type { CronScheduleOptions } from './cron-schedule.js';
export { TickSpace } from './tick-space.js';
export type { KeyFormat, Ticks, TickSpaceParts } from './tick-space.js';
export { formatInstantKey, parseInstantKey } from './period-key.js';
export { TIME_DOMAIN, ZoneRules, zoneRules, utcInstant } from './zoned-time.js';
export type { Transition } from './zoned-time.js';
export { identityMapping, requirementMet, sameWindowMapping } from './mapping.js';
export type {
  MappingSpaces,
  PartitionMapping,
  UpstreamPeriods,
  UpstreamRequirement,
} from './mapping.js';
