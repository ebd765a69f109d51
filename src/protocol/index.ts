// The host <-> guest wire contract. Imports nothing of the project.
export { encodeFrame, FrameDecoder, FrameError, FRAME_PREFIX_BYTES } from './frame.js';
export type { Frame, FrameDecoderOptions } from './frame.js';
export {
  parseGuestMessage, parseHostMessage, MAX_RESPONSE_BYTES, MAX_LOG_LINE_BYTES, MAX_GUEST_HEADER_BYTES, LOG_LEVELS,
  MAX_STREAM_RESPONSE_BYTES, STREAM_WINDOW_BYTES, MAX_CHUNK_BYTES, JSON_CONTENT_TYPE, DEFAULT_STREAM_CONTENT_TYPE,
} from './messages.js';
export type {
  CancelledMessage,
  CancelMessage,
  ChunkMessage,
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
  StartedInvoke,
  StreamAckMessage,
  StreamEndMessage,
} from './messages.js';
