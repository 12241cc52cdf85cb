export type { Period, PeriodRangeOptions, PeriodSpace, PeriodSpaceKind } from './period.js';
export { UNPARTITIONED, UNPARTITIONED_SPACE } from './unpartitioned.js';
export { CronSchedule, cronSchedule } from './cron-schedule.js';
export type { CronScheduleOptions } from './cron-schedule.js';
export {
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  weeklyPartitions,
} from './time-partitions.js';
export type { TimePartitionOptions } from './time-partitions.js';
export { StaticPartitionSpace, staticPartitions } from './static-partitions.js';
export { DynamicPartitionSpace, dynamicPartitions } from './dynamic-partitions.js';
export { MAX_PARTITION_KEY_LENGTH } from './partition-key.js';
export { countPartitions, partitionRange } from './partition-range.js';
export type { CountPartitionsOptions, PartitionRangeOptions } from './partition-range.js';
export { TickSpace } from './tick-space.js';
export type { KeyFormat, Ticks, TickSpaceParts } from './tick-space.js';
export { formatInstantKey, parseInstantKey } from './period-key.js';
export { TIME_DOMAIN, ZoneRules, zoneRules, utcInstant } from './zoned-time.js';
export type { Transition } from './zoned-time.js';
export { requirementMet } from './mapping.js';
export type {
  MappingSpaces,
  PartitionMapping,
  UpstreamPeriods,
  UpstreamRequirement,
} from './mapping.js';
export { checkMapping } from './mapping-check.js';
export { identityMapping } from './identity-mapping.js';
export { sameWindowMapping } from './same-window-mapping.js';
export { timeWindowMapping } from './time-window-mapping.js';
export type { TimeWindowMappingOptions } from './time-window-mapping.js';
export { offsetMapping } from './offset-mapping.js';
export { latestMapping } from './latest-mapping.js';
export { staticMapping } from './static-mapping.js';
