//! A large zeroed f64 buffer backed by transparent huge pages where the OS offers them.
//!
//! Exists because the linkage's square working matrix (n = 20,000: 3.2 GB) is written
//! column-wise once per merge; with 4 KiB pages nearly every such write misses the TLB.
//! On Linux the buffer is an anonymous mapping advised `MADV_HUGEPAGE` (2 MiB pages);
//! elsewhere, or when the mapping fails, it is a plain `Vec`. No `unsafe` here: the
//! mapping comes from `memmap2` and the byte-to-f64 view from `bytemuck`.

use std::ops::{Deref, DerefMut};

/// A zero-initialised slice of f64.
pub(crate) enum F64Buf {
    #[cfg(target_os = "linux")]
    Map(memmap2::MmapMut, usize),
    Vec(Vec<f64>),
}

impl F64Buf {
    /// `len` zeros.
    pub(crate) fn zeroed(len: usize) -> F64Buf {
        #[cfg(target_os = "linux")]
        {
            // Below a few huge pages the plain allocator is as good.
            if len >= (8 << 20) / 8 {
                if let Ok(map) = memmap2::MmapMut::map_anon(len * 8) {
                    let _ = map.advise(memmap2::Advice::HugePage);
                    return F64Buf::Map(map, len);
                }
            }
        }
        F64Buf::Vec(vec![0.0; len])
    }
}

impl Deref for F64Buf {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        match self {
            #[cfg(target_os = "linux")]
            F64Buf::Map(m, len) => &bytemuck::cast_slice(&m[..])[..*len],
            F64Buf::Vec(v) => v,
        }
    }
}

impl DerefMut for F64Buf {
    fn deref_mut(&mut self) -> &mut [f64] {
        match self {
            #[cfg(target_os = "linux")]
            F64Buf::Map(m, len) => &mut bytemuck::cast_slice_mut(&mut m[..])[..*len],
            F64Buf::Vec(v) => v,
        }
    }
}
