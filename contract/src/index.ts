/**
 * @calltouch-gateway/contract: the public input of calltouch-gateway (zod schemas) and the pure compiler
 * from a validated order to Calltouch's wire JSON. No Worker APIs: it runs anywhere zod does.
 */
export { type CompileSettings, compileCreate, compileCreateAsUpdate, compileUpdate, DEFAULT_STATUS, DEFAULT_TIME_ZONE } from "./compile";
export { type FieldError, toFieldErrors } from "./errors";
export { memoExampleOrder } from "./examples";
export { type DealDate, formatSiteTime, isValidTimeZone, toSiteTime } from "./fields/date";
export type { Money } from "./fields/money";
export { DEFAULT_PHONE_REGION } from "./fields/phone";
export { LIMITS, MAX_ORDERS_PER_CALL } from "./limits";
export { DEFAULT_SEARCH_DEPTH, MATCHING_TYPES, type MatchingItem, matchingItem, OFFLINE_VISIT } from "./matching";
export {
  type Call,
  MAX_WAIT_MS,
  type OrderCreate,
  type OrderCreateInput,
  type OrderUpdate,
  type OrderUpdateInput,
  orderCreateInput,
  ordersCreateInput,
  ordersUpdateInput,
  orderUpdateInput,
  toCall,
} from "./order";
export type {
  CalltouchContactSearch,
  CalltouchCreateBody,
  CalltouchCreateOrder,
  CalltouchCustomField,
  CalltouchMatchingItem,
  CalltouchMatchingType,
  CalltouchOrderContacts,
  CalltouchOrderFields,
  CalltouchProduct,
  CalltouchTag,
  CalltouchTagFilter,
  CalltouchTagsLogic,
  CalltouchTypeToMatch,
  CalltouchUpdateBody,
  CalltouchUpdateOrder,
  CustomSource,
} from "./wire";
