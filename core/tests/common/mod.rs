//! Helpers shared by the integration tests that re-execute their own binary as peers.

use std::process::Command;

/// This test binary, to run again as a peer; as `nobody` (util-linux `setpriv`, needs root)
/// when `as_nobody`.
pub fn this_binary(as_nobody: bool) -> Command {
    let exe = std::env::current_exe().unwrap();
    if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}
