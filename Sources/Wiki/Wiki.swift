public enum WikiPlaceholder {}
