// The product catalogue's seeds moved to the products module; the customers migration still reads them here.
export { PRODUCT_SEEDS } from '../../products/index.ts';

export const TIERS = ['group', 'province', 'localA', 'localB', 'localC'] as const;
export type Tier = (typeof TIERS)[number];
/** 集团级 / 省级 / 本地A / 本地B / 本地C */
export const TIER_NAMES: Record<Tier, string> = {
  group: '集团级',
  province: '省级',
  localA: '本地A',
  localB: '本地B',
  localC: '本地C',
};

export const VALUE_LEVELS = ['diamond', 'platinum', 'gold', 'silver', 'standard'] as const;
export const CUSTOMER_STATUSES = ['active', 'suspended', 'closed', 'erased'] as const;
export const INSTANCE_STATUSES = ['active', 'suspended', 'terminated'] as const;
/**
 * Where a service's site is (城市 / 县城 / 农村): the regulations repair a line in 48 h in a town and
 * 72 h in the countryside (电信条例 Art. 32), and SLA rows may depend on it. Null: not recorded.
 */
export const LOCATION_CLASSES = ['urban', 'county', 'rural'] as const;
export type LocationClass = (typeof LOCATION_CLASSES)[number];
export const ACCESS_TYPES = ['adsl', 'vdsl', 'lan', 'ftth', 'fttb', 'wireless', 'other'] as const;
export const DEVICE_TYPES = ['olt', 'dslam', 'switch', 'msan', 'other'] as const;
export const CONTACT_ROLES = ['primary', 'technical', 'billing', 'manager', 'other'] as const;
export const CHANNELS = ['phone', 'sms', 'email', 'wechat', 'none'] as const;
export const ID_TYPES = ['resident_id', 'passport', 'other'] as const;
