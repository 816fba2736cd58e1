//! The use cases against a real store, on every back end the environment offers.

mod attendance;
