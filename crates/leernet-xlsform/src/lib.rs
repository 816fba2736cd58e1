//! leernet-xlsform.
