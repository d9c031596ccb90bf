import { describeConnectError } from "../../client/client_connection.ts";
import { exitCodeFor } from "../../cli/join_command.ts";
import { ConnectError } from "../../client/client_connection.ts";
import { assertEqual, assertMatch } from "../_helpers/assert.ts";

const where = "tcp://example.test:5003";

Deno.test("describeConnectError turns network failures into sentences", () => {
  assertMatch(
    describeConnectError(new Deno.errors.ConnectionRefused("os error 111"), where, 1000),
    /^Connection refused by tcp:\/\/example\.test:5003: is the server running, and is that the right port\?$/,
  );
  assertMatch(
    describeConnectError(
      new Error("failed to lookup address information: Name or service not known"),
      where,
      1000,
    ),
    /^Unknown host in tcp:\/\/example\.test:5003/,
  );
  assertMatch(
    describeConnectError(new DOMException("Signal timed out.", "TimeoutError"), where, 1500),
    /^No answer from tcp:\/\/example\.test:5003 within 1500 ms/,
  );
  assertMatch(
    describeConnectError(new Error("invalid peer certificate: NotValidForName"), where, 1000),
    /^TLS handshake with tcp:\/\/example\.test:5003 failed/,
  );
});

Deno.test("exitCodeFor maps each failure kind to its documented exit code", () => {
  assertEqual(exitCodeFor(new ConnectError("connect", "x")), 3);
  assertEqual(exitCodeFor(new ConnectError("refused", "x", "nick_taken")), 4);
  assertEqual(exitCodeFor(new ConnectError("refused", "x", "nick_invalid")), 4);
  assertEqual(exitCodeFor(new ConnectError("refused", "x", "auth_failed")), 5);
  assertEqual(exitCodeFor(new ConnectError("closed", "x")), 6);
  assertEqual(exitCodeFor(new ConnectError("refused", "x", "server_full")), 7);
  assertEqual(exitCodeFor(new ConnectError("refused", "x", "bad_version")), 7);
  assertEqual(exitCodeFor(new ConnectError("trust", "certificate changed")), 3);
  assertEqual(exitCodeFor(new ConnectError("refused", "x", "nick_registered")), 4);
});
