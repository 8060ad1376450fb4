//! Enumerations of a closed set of names (`status: in_force`, `scope: authority`, …).

/// An enum whose YAML form is one of a closed set of names. The JSON Schema lists the
/// names (`enum: [...]`), so editors complete them.
///
/// It deserializes from a string rather than as a serde enum, for two reasons: a misspelt
/// name is serde's "unknown variant `x`, expected …" error, which the loader turns into a
/// located "did you mean"; and `serde_path_to_error` records a map key only when it is
/// read as a string, so a bad name used as a key (`require: {sharng: present}`) is still
/// located at its own line.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The name as written in YAML.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                match text.as_str() {
                    $($text => Ok($name::$variant),)+
                    other => Err(serde::de::Error::unknown_variant(other, Self::NAMES)),
                }
            }
        }
    };
}
