/**
 * `@itsme-sign/core/browser`: the browser side of a signing session without a framework (no zod, no Node APIs).
 * `SessionFollower` starts, follows and redirects; its state is `FollowerState`, moved only by `reduce()`.
 */

export * from '../contract/constants.js';
export type { SessionView, StartSessionBody } from '../contract/index.js';
export {
  type FollowerListener,
  SessionFollower,
  type SessionFollowerOptions,
  type WindowLike,
} from './follower.js';
export {
  classifyAnswer,
  DEFAULT_RETRY_DELAY,
  exponentialBackoff,
  type FetchLike,
  type RetryDelay,
} from './request.js';
export {
  type FollowerEvent,
  type FollowerState,
  initialState,
  isBusy,
  isFollowing,
  isRedirecting,
  type RequestError,
  redirectUrlOf,
  reduce,
} from './state.js';
export { isSessionView, isWebUrl } from './view.js';
