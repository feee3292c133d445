"""The kartleggingssamtale: templates as data, skip logic, and a runner that asks through a callable."""
