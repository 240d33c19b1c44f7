//! WSDL 1.1 model (placeholder).
