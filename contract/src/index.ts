/**
 * @calltouch-gateway/contract: the public API of calltouch-gateway (zod schemas of every input and answer,
 * error data and messages) and the pure compiler from a validated order to Calltouch's wire JSON. No Worker
 * APIs and nothing else of this repository: it runs anywhere zod does, and the Worker and the client both
 * depend on it.
 */
export { type CompileSettings, compileCreate, compileCreateAsUpdate, compileUpdate, DEFAULT_STATUS, DEFAULT_TIME_ZONE } from "./compile";
export { type ErrorCode, type ErrorData, type FieldError, fieldError, invalidInputMessage, toFieldErrors } from "./errors";
export { memoExampleOrder } from "./examples";
export { type DealDate, formatSiteTime, isValidTimeZone, toSiteTime } from "./fields/date";
export { normalizeOrderNumber } from "./fields/id";
export type { Money } from "./fields/money";
export { canonicalPhone, DEFAULT_PHONE_REGION } from "./fields/phone";
export { parseIn, say } from "./fields/say";
export {
  type ChangeListInput,
  changeListInput,
  type DryRunInput,
  dryRunInput,
  forgetInput,
  type OrderDelete,
  type OrdersDeleteInput,
  orderStatusInput,
  ordersDeleteInput,
  purgeInput,
  type ReplayInput,
  replayInput,
} from "./inputs";
export {
  type FormFields,
  foreignFieldMessage,
  formFieldErrors,
  type Lead,
  type LeadInput,
  leadFromForm,
  leadInput,
  RESERVED_FORM_FIELDS,
} from "./lead";
export { LIMITS, MAX_ORDERS_PER_CALL } from "./limits";
export { DEFAULT_SEARCH_DEPTH, MATCHING_TYPES, type MatchingItem, matchingItem, OFFLINE_VISIT } from "./matching";
export {
  type DeadLetter,
  type DeadLetterPage,
  type DeadReason,
  type DeadReasons,
  type DealsFound,
  type DeliveriesReplayInput,
  deadLetter,
  deadLetterPage,
  deadReason,
  deadReasons,
  dealsFound,
  deliveriesReplayInput,
  MINUTE_EVENTS,
  type MinuteEvent,
  type SiteOverview,
  siteOverview,
} from "./operators";
export {
  type Call,
  callWait,
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
export {
  CHANGE_KINDS,
  CHANGE_ORIGINS,
  CHANGE_STATES,
  type ChangeKind,
  type ChangeOrigin,
  type ChangePage,
  type ChangeRecord,
  type ChangeState,
  changeKind,
  changeOrigin,
  changePage,
  changeRecord,
  changeState,
  type DeliveryStats,
  type DryRunResult,
  deliveryStats,
  dryRunResult,
  type Forgotten,
  forgotten,
  type LeadReceipt,
  type LedgerEntry,
  leadReceipt,
  ledgerEntry,
  type OrderStatus,
  orderStatus,
  orderStatuses,
  type Purged,
  purged,
  type Receipt,
  type Receipts,
  type Replayed,
  type Resumed,
  receipt,
  receipts,
  replayed,
  resumed,
} from "./outputs";
export { LANGUAGES, type Language, type RefusalParams, type RefusalReason, refusalMessage } from "./refusals";
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
