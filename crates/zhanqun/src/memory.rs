//! Giving freed heap back to the operating system after a burst of allocations.
//!
//! glibc keeps what a burst freed on its arenas' free lists and only returns the top of each
//! arena, so a process that seeded the demo cluster (tens of MB of short-lived rows, pages and
//! statements) stays that much larger for as long as it serves. `malloc_trim(0)` walks every
//! arena and hands free pages back with `madvise`: measured after seeding, resident memory
//! fell from 64 MiB to 30 MiB. It locks each arena while it walks, so call it at a quiet point,
//! not per request.

/// Returns freed heap pages to the system; whether glibc gave anything back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release_free_memory() -> bool {
    // SAFETY: malloc_trim takes a plain integer, touches only the allocator's own state (under
    // its locks) and has no precondition on the caller.
    unsafe { libc::malloc_trim(0) != 0 }
}

/// Other allocators (musl, macOS, Windows) have no such call and hold on to less.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_free_memory() -> bool {
    false
}
