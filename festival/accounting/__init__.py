"""Money papers for the association: gapless document numbering, donation receipts (reçus
fiscaux, Cerfa 11580), payment attestations, and the treasurer's exports."""
