"""Negotiation tables (M1.1, M1.3, M2.1, M2.1b, M4.1, M5.1, M6.1): agendas of substantive issues, both sides'
acceptance against their outside options, bargaining protocols, the state's beliefs about each group's type and the
groups' trust in the state, the state's conduct, veto players and the negotiation audit.

Every mechanism is a numba-compiled function over one run's arrays; `month.tables_month` composes them into the
tables' month, which the engine's compiled month calls. `layout` names the columns of the arrays exchanged with the
battlefield; `agenda` builds each table's fixed terms from the scenario and the shipped defaults.
"""
