// The host <-> guest wire contract. Imports nothing of the project.
export { encodeFrame, FrameDecoder, FrameError, FRAME_PREFIX_BYTES } from './frame.js';
export type { Frame, FrameDecoderOptions } from './frame.js';
export { parseGuestMessage, parseHostMessage, MAX_RESPONSE_BYTES, MAX_LOG_LINE_BYTES, MAX_GUEST_HEADER_BYTES, LOG_LEVELS } from './messages.js';
export type {
  ErrorPayload,
  FunctionInit,
  GuestMessage,
  HostMessage,
  InitErrorMessage,
  InitMessage,
  InitOkMessage,
  InitType,
  InvokeMessage,
  LogLevel,
  LogMessage,
  ReadyMessage,
  ResultMessage,
  ErrorMessage,
} from './messages.js';
