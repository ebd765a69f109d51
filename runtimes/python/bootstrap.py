"""Nimbus's built-in Python runtime: Lambda's Python handler contract over the Runtime API.

Started by the sandbox guest with AWS_LAMBDA_RUNTIME_API set, it imports `module.function`
from _HANDLER (code in LAMBDA_TASK_ROOT, layers in /opt/python via PYTHONPATH), then loops: GET next
invocation, call handler(event, context), POST the JSON result or the error in Lambda's
Python shape {errorMessage, errorType, requestId, stackTrace}. Standard library only, so it
runs on whatever python3 the host has. This file is also the model for adding a language:
anything that speaks the Runtime API can be a runtime (docs/runtimes.md).
"""
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
PREFIX = "/2018-06-01/runtime"
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())


class FaultError(Exception):
    """An error of the runtime itself (import, handler lookup), named as Lambda names it."""

    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def request(method, path, body=None, headers=None):
    host, port = API.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port))
    conn.request(method, PREFIX + path, body=body, headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res, data


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"))
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = CognitoIdentity(headers.get("Lambda-Runtime-Cognito-Identity"))
        self.client_context = ClientContext(headers.get("Lambda-Runtime-Client-Context"))

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


class CognitoIdentity:
    def __init__(self, text):
        data = json.loads(text) if text else {}
        self.cognito_identity_id = data.get("cognitoIdentityId")
        self.cognito_identity_pool_id = data.get("cognitoIdentityPoolId")


def ClientContext(text):
    """None unless the caller sent a client context (as on Lambda)."""
    if not text:
        return None
    data = json.loads(text)

    class _ClientContext:
        client = data.get("client")
        custom = data.get("custom")
        env = data.get("env")

    return _ClientContext()


class RequestIdFilter(logging.Filter):
    request_id = None

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def setup_logging():
    # Lambda's format; newlines become \r so a multi-line message stays one log event.
    class LambdaFormatter(logging.Formatter):
        converter = time.gmtime

        def format(self, record):
            return super().format(record).replace("\n", "\r")

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(LambdaFormatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    root.setLevel(getattr(logging, level) if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") else logging.WARNING)


def error_body(err, request_id=None):
    error_type = getattr(err, "error_type", None) or type(err).__name__
    tb = traceback.extract_tb(err.__traceback__)
    body = {"errorMessage": str(err), "errorType": error_type}
    if request_id is not None:
        body["requestId"] = request_id
    body["stackTrace"] = traceback.format_list(tb)
    return body


def log_error(body):
    lines = [f"[ERROR] {body['errorType']}: {body['errorMessage']}", "Traceback (most recent call last):"]
    lines.extend(line.rstrip("\n") for line in body["stackTrace"])
    print("\r".join(lines), flush=True)


def load_handler(spec):
    module_path, _, function_name = spec.rpartition(".")
    if not module_path or not function_name:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)")
    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", f"Unable to import module '{module_path}': {e}") from None
    except SyntaxError as e:
        raise FaultError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_path}': {e}") from None
    handler = getattr(module, function_name, None)
    if handler is None:
        raise FaultError("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_path}'")
    return handler


def post_error(path, body):
    payload = json.dumps(body).encode()
    request("POST", path, payload, {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": body["errorType"]})


def main():
    # Code first, then layers (/opt/python comes from PYTHONPATH), then the standard library.
    sys.path.insert(0, TASK_ROOT)
    setup_logging()
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as e:  # noqa: BLE001 - any failure to load is an init error
        body = error_body(e)
        body["stackTrace"] = [] if isinstance(e, FaultError) else body["stackTrace"]
        log_error(body)
        post_error("/init/error", body)
        sys.exit(1)
    while True:
        res, event_bytes = request("GET", "/invocation/next")
        if res.status != 200:
            sys.exit(f"runtime: next invocation failed with {res.status}")
        headers = {k.title(): v for k, v in res.getheaders()}
        context = LambdaContext(headers)
        request_id = context.aws_request_id
        RequestIdFilter.request_id = request_id
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            event = json.loads(event_bytes) if event_bytes else {}
            result = handler(event, context)
            try:
                payload = json.dumps(result).encode()
            except (TypeError, ValueError) as e:
                raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {e}") from None
        except Exception as e:  # noqa: BLE001 - every handler failure is reported, then the loop goes on
            body = error_body(e, request_id)
            log_error(body)
            post_error(f"/invocation/{request_id}/error", body)
            continue
        request("POST", f"/invocation/{request_id}/response", payload, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
