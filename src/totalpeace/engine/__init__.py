"""The batched simulation engine: state, schedule, monthly step and `simulate`."""
