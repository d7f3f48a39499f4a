public enum RunbooksPlaceholder {}
