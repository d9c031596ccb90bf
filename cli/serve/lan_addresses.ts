/**
 * The addresses a friend would use to reach this machine.
 *
 * @module
 */

/**
 * Lists this machine's non-loopback IPv4 addresses (LAN addresses), for the
 * `parley join` lines printed at start-up.
 *
 * @returns Addresses such as `"192.168.1.20"`; empty if none or not permitted.
 */
export function lanAddresses(): string[] {
  let interfaces: Deno.NetworkInterfaceInfo[];
  try {
    interfaces = Deno.networkInterfaces();
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      return [];
    }
    throw error;
  }
  const seen = new Set<string>();
  for (const info of interfaces) {
    if (info.family === "IPv4" && !info.address.startsWith("127.")) seen.add(info.address);
  }
  return [...seen];
}
